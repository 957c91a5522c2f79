import{a}from"./D7W7KP3N.js";import"./BD4T7HXR.js";export{a as default};

import{a}from"./SUKGYUJL.js";export{a as default};
